"""Complaints about the police: the form's rules, tickets and triage, the team's work, the status check."""
