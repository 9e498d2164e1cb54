"""The shared kernel below every platform and scenario: the clock, GeoJSON, geometry and routing on the road graph,
areas, idempotency, PDF and export helpers, masking, credit codes, child processes, trends."""
