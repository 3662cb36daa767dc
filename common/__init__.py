"""Small helpers every app may use: the bottom layer, which imports none of the apps."""
