"""os-vif plugins "ovs", "linux_bridge" and "noop" that forward plug, unplug and describe to the
govif daemon (govif serve) over its unix socket. See docs/nova.md.

Importing the package (stevedore does, while os_vif.initialize() loads the "os_vif" entry points)
installs the precedence hook that makes govif's plugins replace os-vif's of the same names
(vif_plug_govif.precedence explains why and how).
"""
from vif_plug_govif import precedence

precedence.install()
