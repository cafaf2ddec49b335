"""Parts the test folders share."""
