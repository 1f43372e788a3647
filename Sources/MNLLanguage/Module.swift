// MNLLanguage module (being written).
