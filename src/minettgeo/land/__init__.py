"""Land carbon: exact zonal statistics, stocks, annual removals, land-use change, sink potential."""
