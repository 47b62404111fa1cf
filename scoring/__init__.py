"""Credit-readiness scoring (issue 5). No Flask imports here: features, training, model files."""
