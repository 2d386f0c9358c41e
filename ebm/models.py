"""EBM: measures and snapshots arrive with the EBM issue; the app exists so the layout is whole."""
