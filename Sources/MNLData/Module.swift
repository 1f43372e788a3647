// MNLData module (being written).
