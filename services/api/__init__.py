"""The search API and web page over the index (``claimwire api``)."""
