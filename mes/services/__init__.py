"""Every write of the line. Import as modules: `from mes.services import units as unit_services`."""
