# Regenerates capture.pcap (run as root; needs tshark, socat, busybox, python3). Frame numbers are
# referenced by the *.hex fixtures (capture.pcap is git-ignored; the .hex files are the record);
# values (ports, ids, timestamps) differ on every run.
set -x
A=wirecap-a; B=wirecap-b
ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null
ip netns add $A; ip netns add $B
ip link add wca0 netns $A type veth peer name wcb0 netns $B
for n in $A $B; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip -n $A link set wca0 address 02:00:00:00:0a:01 mtu 1500
ip -n $B link set wcb0 address 02:00:00:00:0b:02 mtu 1500
ip netns exec $A python3 "$(dirname "$0")"/txcsum_off.py wca0; ip netns exec $B python3 "$(dirname "$0")"/txcsum_off.py wcb0
ip -n $A addr add 10.9.0.1/24 dev wca0; ip -n $B addr add 10.9.0.2/24 dev wcb0
ip -n $A link set lo up; ip -n $B link set lo up
ip -n $A link set wca0 up; ip -n $B link set wcb0 up
sleep 1
ip netns exec $A tshark -q -i wca0 -w "$(dirname "$0")"/capture.pcap > /tmp/tshark.log 2>&1 &
TP=$!
sleep 3
ip netns exec $A busybox ping -c1 -W1 10.9.0.2
ip netns exec $A python3 "$(dirname "$0")"/record_route.py 10.9.0.2
ip netns exec $A busybox ping -c1 -W1 -s 3000 10.9.0.2
ip netns exec $B socat -u UDP-RECV:5000 OPEN:/tmp/udp.out,creat &
SP=$!
ip netns exec $B socat -u TCP-LISTEN:6000,reuseaddr OPEN:/tmp/tcp.out,creat &
TSP=$!
sleep 1
echo hello-udp | ip netns exec $A socat -u - UDP:10.9.0.2:5000
echo hello-closed | ip netns exec $A socat -u - UDP:10.9.0.2:5001
echo hello-tcp | ip netns exec $A socat -u - TCP:10.9.0.2:6000
ip netns exec $A socat -u /dev/null TCP:10.9.0.2:6001
sleep 1
kill $SP; wait $TSP
sleep 2
kill -INT $TP; wait $TP
ip netns del $A; ip netns del $B
