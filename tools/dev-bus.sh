#!/bin/bash
# Starts a private system bus that carries mountwarden's bus policy, for trying mountwardenctl
# and busctl without installing anything (the integration tests use it too). Prints the
# variables to export; stop the bus with `kill $MW_DEV_BUS_PID`.
# Run as root:  eval "$(sudo tools/dev-bus.sh [DIR])"   (DIR: where the socket goes)
set -euo pipefail

source_dir=$(realpath "$(dirname "$0")/..")
dir=${1:-$(mktemp -d /run/mountwarden-dev-bus.XXXXXX)}
mkdir -p "$dir"
# Everyone may read over the bus: unprivileged callers must reach the socket.
chmod 0755 "$dir"
cat >"$dir/bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"/>
  </policy>
  <include>$source_dir/dbus/org.mountwarden1.conf</include>
</busconfig>
XML
pid=$(dbus-daemon --config-file="$dir/bus.conf" --fork --print-pid)
echo "export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/system_bus_socket MW_DEV_BUS_PID=$pid"
echo "# to stop it: kill $pid; rm -r $dir"
