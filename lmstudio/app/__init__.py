"""The application layer: what the window and the command line both do that is not drawing. Qt-free."""
