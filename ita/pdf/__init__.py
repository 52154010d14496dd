"""Official PDFs: the memo with its comments and the ITA report (see ``documents``)."""
