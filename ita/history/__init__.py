"""The history log: who did what, when, to which object of which organisation, from which state."""
