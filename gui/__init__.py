"""Windows and widgets only; all work goes through engine jobs."""
