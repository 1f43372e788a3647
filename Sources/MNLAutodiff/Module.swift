// MNLAutodiff module (being written).
