"""``python -m minettgeo`` runs the command line."""

from minettgeo.cli import main

main()
