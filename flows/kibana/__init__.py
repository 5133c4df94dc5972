"""Kibana saved objects for the articles alias: static checks and import through Kibana's API."""
