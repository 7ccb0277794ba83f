"""Every write of quality. Import as modules: `from quality.services import ncrs as ncr_services`."""
