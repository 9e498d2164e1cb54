"""One-stop government services and 12345: tickets and their router, hotspots, assessment, service items,
e-licences, commitments."""
