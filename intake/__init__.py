"""Patients and their answers: models, the intake document (parse, validate, export) and the
questions. May import `accounts` and `audit`."""
