"""Roll-ups: building -> parcel -> district -> commune -> region, and heat-density indicators."""
