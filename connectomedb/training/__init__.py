"""Training and test data: the SynEM cubes (catalogue in PostgreSQL, voxels in the files)."""
