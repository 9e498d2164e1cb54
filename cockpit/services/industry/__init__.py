"""Industry development's services: enterprises, the economy, chains and their gaps, attraction, zombie firms,
forecasts."""
