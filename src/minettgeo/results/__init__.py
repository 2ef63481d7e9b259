"""Result sets of ``minettgeo run``: publication as one unit (store) and reading back (reader)."""
