"""A second, independently written correct ASTI-1 system."""
