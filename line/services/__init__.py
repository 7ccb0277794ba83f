"""Every write of the line. Import as modules: `from line.services import units as unit_services`."""
