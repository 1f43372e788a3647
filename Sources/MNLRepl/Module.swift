// MNLRepl module (being written).
