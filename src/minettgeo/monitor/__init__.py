"""Test-district monitoring: controls matched to each pilot when it is chosen (fixed in a record),
the balance of pilots and controls, and the effect estimate once observed values arrive
(``docs/monitoring.md``)."""
