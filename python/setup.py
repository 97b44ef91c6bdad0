# The metadata is in setup.cfg. There is deliberately no pyproject.toml: with one, pip always
# builds in an isolated environment and must download setuptools from an index. Without it,
# Debian 12's pip 23.0 builds with the system's setuptools 66 and wheel, so both
#   pip install ./python
#   pip install --no-deps --no-build-isolation --target DIR ./python
# work offline (docs/nova.md).
import setuptools

setuptools.setup()
