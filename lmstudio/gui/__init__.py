"""The PySide6 window: thin views over the core objects held by one :class:`~lmstudio.gui.session.Session`."""
