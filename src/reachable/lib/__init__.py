"""Small helpers shared by every app. Domain logic never lives here."""
