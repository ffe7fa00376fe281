"""Figure drawing: one module per paper (rr, sb, fp, ff); each function takes DataFrames and returns a Figure."""
