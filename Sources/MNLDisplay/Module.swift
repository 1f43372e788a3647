// MNLDisplay module (being written).
