"""The Qt-free core: everything that computes. Nothing here may import PySide6, pyqtgraph or lmstudio.gui."""
