"""The printed credential: drawing the PDF, signing it (PAdES), reading it back and verifying that the page
is the credential."""
