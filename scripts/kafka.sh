#!/usr/bin/env bash
# scripts/kafka.sh: a real Apache Kafka 4 (KRaft, combined broker+controller
# nodes) for pitchkafka's tests and benchmarks, run from Maven Central jars:
# no Kafka distribution, no Docker.
#
# Pinned: Apache Kafka 4.4.0 (KAFKA_VERSION below), the newest release
# served here (4.0.1 ... 4.4.0). Why this one:
# - its broker, storage and tools classes are Java 17 bytecode (class file
#   61; kafka-clients 55 = Java 11): it runs on the machine's default Java 17
#   (tested; also on Temurin 25 with JAVA_HOME);
# - the KIP-848 `consumer` group protocol is on by default
#   (group.coordinator.rebalance.protocols = classic,consumer,streams; the
#   setting itself is deprecated in 4.4, so it is left alone) next to
#   `classic`; librdkafka 2.11.1, bundled by confluent-kafka-go v2.11.1, has
#   KIP-848 in "Preview" (GA from 2.12.0) and was tested to join, rebalance
#   incrementally and commit with group.protocol=consumer against it;
# - static KRaft voters (controller.quorum.voters) still format and start
#   without --initial-controllers: one plain format per node.
# Against any Kafka 4.x, SCRAM needs librdkafka >= 2.6.1 (strict nonce
# check): confluent-kafka-go's 2.11.1 works, Debian's kcat (2.0.2) does not,
# hence the PLAIN mechanism next to SCRAM on the sasl-ssl listener.
# To move to another version change KAFKA_VERSION: the jars land in their own
# cache folder, kafka-<version>/libs.
#
# Usage: scripts/kafka.sh help   (the text is at the end of this file)
set -euo pipefail

KAFKA_VERSION=4.4.0
LOG4J_VERSION=2.24.3

SELF=$(readlink -f "${BASH_SOURCE[0]}")
SCRIPT_DIR=$(dirname "$SELF")
POM="$SCRIPT_DIR/kafka/pom.xml"
CACHE_ROOT=${PITCHKAFKA_CACHE:-$HOME/.cache/pitchkafka}
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
DEFAULT_DIR=${PITCHKAFKA_KAFKA_DIR:-${TMPDIR:-/tmp}/pitchkafka-kafka-$(id -u)}
# Ports are taken below the kernel's ephemeral range, so that no outgoing
# connection can hold a stopped node's port when `restart N` wants it back,
# and registered machine-wide so that clusters started at once never pick
# the same one.
PORT_REGISTRY=${TMPDIR:-/tmp}/pitchkafka-ports-$(id -u)
PORT_MIN=20000

JAVA=java
if [[ -n ${JAVA_HOME:-} ]]; then JAVA="$JAVA_HOME/bin/java"; fi
# Brokers: a small heap and the serial GC (2 cores, up to 3 JVMs). Override
# whole for benchmarks, e.g. PITCHKAFKA_KAFKA_JVM_OPTS='-Xmx2g -XX:+UseG1GC'.
BROKER_JVM_OPTS=${PITCHKAFKA_KAFKA_JVM_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:CICompilerCount=2}
# Tools are short-lived: C1 only starts them fastest. Not the load tools
# (kafka-*-perf-test, e2e-latency, verifiable-*): they get the full JIT.
TOOL_JVM_OPTS=${PITCHKAFKA_KAFKA_TOOL_JVM_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
LOAD_TOOL_JVM_OPTS=${PITCHKAFKA_KAFKA_LOAD_TOOL_JVM_OPTS:--Xmx512m -XX:+UseSerialGC}

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { printf 'kafka.sh: error: %s\n' "$*" >&2; exit 1; }

now_ms() { local s; s=$(date +%s%N); echo $((s / 1000000)); }

# ---------------------------------------------------------------- fetch

# The stamp names the version and the pom's hash: an edited pom refetches.
libs_stamp() { printf '%s %s\n' "$KAFKA_VERSION" "$(sha256sum "$POM" | cut -c1-16)"; }

libs_ready() { [[ -f $LIBS/.complete && "$(cat "$LIBS/.complete")" == "$(libs_stamp)" ]]; }

cmd_fetch() {
	if libs_ready; then
		log "Kafka $KAFKA_VERSION jars already in $LIBS"
		return 0
	fi
	command -v mvn >/dev/null || die "mvn (Maven) is needed to fetch the Kafka jars"
	mkdir -p "$KAFKA_HOME"
	# Several test processes may start clusters at once on a fresh machine.
	local lock_fd
	exec {lock_fd}>"$KAFKA_HOME/.fetch.lock"
	flock "$lock_fd"
	if libs_ready; then
		exec {lock_fd}>&-
		log "Kafka $KAFKA_VERSION jars already in $LIBS"
		return 0
	fi
	local t0 tmp
	t0=$(now_ms)
	log "fetching Kafka $KAFKA_VERSION jars with Maven into $LIBS (Maven's own cache: ~/.m2)"
	tmp=$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")
	if ! mvn -B -q -f "$POM" "-Dkafka.version=$KAFKA_VERSION" "-Dlog4j.version=$LOG4J_VERSION" \
		"-Dlibs.dir=$tmp" dependency:copy-dependencies >"$KAFKA_HOME/fetch.log" 2>&1; then
		cat "$KAFKA_HOME/fetch.log" >&2
		rm -rf "$tmp"
		die "Maven could not fetch Kafka $KAFKA_VERSION (log above, also in $KAFKA_HOME/fetch.log)"
	fi
	local jar
	for jar in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-tools-$KAFKA_VERSION.jar" \
		"kafka-storage-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar" \
		"log4j-slf4j-impl-$LOG4J_VERSION.jar"; do
		[[ -f $tmp/$jar ]] || { rm -rf "$tmp"; die "fetch: $jar missing after Maven's copy"; }
	done
	libs_stamp >"$tmp/.complete"
	rm -rf "$LIBS"
	mv "$tmp" "$LIBS"
	exec {lock_fd}>&-
	log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $(($(now_ms) - t0)) ms"
}

# ---------------------------------------------------------------- tools

tool_class() {
	local name=${1%.sh}
	case $name in
	kafka-topics) echo org.apache.kafka.tools.TopicCommand ;;
	kafka-configs) echo org.apache.kafka.tools.ConfigCommand ;;
	kafka-acls) echo org.apache.kafka.tools.AclCommand ;;
	kafka-console-consumer) echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
	kafka-console-producer) echo org.apache.kafka.tools.ConsoleProducer ;;
	kafka-console-share-consumer) echo org.apache.kafka.tools.consumer.ConsoleShareConsumer ;;
	kafka-consumer-groups) echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
	kafka-share-groups) echo org.apache.kafka.tools.consumer.group.ShareGroupCommand ;;
	kafka-streams-groups) echo org.apache.kafka.tools.streams.StreamsGroupCommand ;;
	kafka-groups) echo org.apache.kafka.tools.GroupsCommand ;;
	kafka-broker-api-versions) echo org.apache.kafka.tools.BrokerApiVersionsCommand ;;
	kafka-metadata-quorum) echo org.apache.kafka.tools.MetadataQuorumCommand ;;
	kafka-storage) echo kafka.tools.StorageTool ;;
	kafka-get-offsets) echo org.apache.kafka.tools.GetOffsetShell ;;
	kafka-leader-election) echo org.apache.kafka.tools.LeaderElectionCommand ;;
	kafka-reassign-partitions) echo org.apache.kafka.tools.reassign.ReassignPartitionsCommand ;;
	kafka-delete-records) echo org.apache.kafka.tools.DeleteRecordsCommand ;;
	kafka-log-dirs) echo org.apache.kafka.tools.LogDirsCommand ;;
	kafka-dump-log) echo org.apache.kafka.tools.DumpLogSegments ;;
	kafka-transactions) echo org.apache.kafka.tools.TransactionsCommand ;;
	kafka-features) echo org.apache.kafka.tools.FeatureCommand ;;
	kafka-cluster) echo org.apache.kafka.tools.ClusterTool ;;
	kafka-client-metrics) echo org.apache.kafka.tools.ClientMetricsCommand ;;
	kafka-delegation-tokens) echo org.apache.kafka.tools.DelegationTokenCommand ;;
	kafka-producer-perf-test) echo org.apache.kafka.tools.ProducerPerformance ;;
	kafka-consumer-perf-test) echo org.apache.kafka.tools.ConsumerPerformance ;;
	kafka-share-consumer-perf-test) echo org.apache.kafka.tools.ShareConsumerPerformance ;;
	kafka-e2e-latency) echo org.apache.kafka.tools.EndToEndLatency ;;
	kafka-verifiable-producer) echo org.apache.kafka.tools.VerifiableProducer ;;
	kafka-verifiable-consumer) echo org.apache.kafka.tools.VerifiableConsumer ;;
	kafka-replica-verification) echo org.apache.kafka.tools.ReplicaVerificationTool ;;
	kafka-jmx) echo org.apache.kafka.tools.JmxTool ;;
	*)
		# A class name as it is, e.g. kafka.tools.StorageTool.
		local re='^[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_$][A-Za-z0-9_$]*)+$'
		if [[ $name =~ $re ]]; then
			echo "$name"
		else
			return 1
		fi
		;;
	esac
}

# Tools log WARN and up to stderr, as the distribution's tools-log4j2 does.
tools_log4j() {
	local f="$KAFKA_HOME/log4j2-tools.properties"
	if [[ ! -f $f ]]; then
		mkdir -p "$KAFKA_HOME"
		cat >"$f.$$" <<-'EOF'
			status = error
			appender.stderr.type = Console
			appender.stderr.name = STDERR
			appender.stderr.target = SYSTEM_ERR
			appender.stderr.layout.type = PatternLayout
			appender.stderr.layout.pattern = [%d] %p %m (%c)%n
			rootLogger.level = warn
			rootLogger.appenderRef.stderr.ref = STDERR
		EOF
		mv "$f.$$" "$f"
	fi
	echo "$f"
}

# ---------------------------------------------------------------- class data sharing
# A JVM that maps an archive of the classes it loaded last time starts about
# a second faster (a broker: 2.5 s -> 1.5 s; a tool: 0.7 s -> 0.4 s). The
# first run of each kind (broker, storage, tool) writes one at its exit
# (-XX:ArchiveClassesAtExit, a tool at once, a broker when stopped with
# SIGTERM); it is checked (a cut archive crashes the JVM) and then renamed
# into place. PITCHKAFKA_KAFKA_CDS=0 turns this off.
CDS_OPTS=()
CDS_LOCK_FD=

# cds_file KIND JVM-OPTS...: the archive for this JVM binary, these jars and these options.
cds_file() {
	local kind=$1 real key
	shift
	real=$(readlink -f "$(command -v "$JAVA")") || return 1
	key=$(printf '%s|%s|%s|%s' "$real" "$(stat -c %Y "$real")" "$(libs_stamp)" "$*" | sha256sum | cut -c1-12)
	echo "$KAFKA_HOME/cds/$kind-$key.jsa"
}

# cds_prepare KIND JVM-OPTS...: sets CDS_OPTS, and holds CDS_LOCK_FD open
# while this run writes the archive (the JVM inherits it; close it after
# the launch with cds_release).
cds_prepare() {
	CDS_OPTS=()
	CDS_LOCK_FD=
	[[ ${PITCHKAFKA_KAFKA_CDS:-1} != 0 ]] || return 0
	local file
	file=$(cds_file "$@") || return 0
	if [[ ! -f $file && -f $file.tmp ]]; then cds_sweep; fi
	if [[ -f $file ]]; then
		CDS_OPTS=("-XX:SharedArchiveFile=$file" -Xlog:cds=off -Xlog:cds+dynamic=off)
		return 0
	fi
	mkdir -p "$KAFKA_HOME/cds"
	exec {CDS_LOCK_FD}>"$file.lock"
	if flock -n "$CDS_LOCK_FD"; then
		rm -f "$file.tmp"
		CDS_OPTS=("-XX:ArchiveClassesAtExit=$file.tmp" -Xlog:cds=off -Xlog:cds+dynamic=off)
	else
		exec {CDS_LOCK_FD}>&-
		CDS_LOCK_FD=
	fi
}

cds_release() {
	if [[ -n $CDS_LOCK_FD ]]; then exec {CDS_LOCK_FD}>&-; fi
	CDS_LOCK_FD=
}

# cds_sweep: archives written by JVMs that are gone are checked and put in
# place, or removed.
cds_sweep() {
	local tmp final fd
	for tmp in "$KAFKA_HOME"/cds/*.jsa.tmp; do
		[[ -f $tmp ]] || continue
		final=${tmp%.tmp}
		exec {fd}>"$final.lock"
		if flock -n "$fd"; then
			if "$JAVA" -Xshare:on -XX:ErrorFile=/dev/null "-XX:SharedArchiveFile=$tmp" \
				-cp "$LIBS/*" -version >/dev/null 2>&1; then
				mv -f "$tmp" "$final"
			else
				rm -f "$tmp"
			fi
		fi
		exec {fd}>&-
	done
	return 0
}

# run_tool CLASS ARGS...: a Kafka tool in the foreground, stdin/stdout passed.
run_tool() {
	local class=$1
	shift
	local opts kind=${TOOL_CDS_KIND:-tool} rc=0
	read -r -a opts <<<"$TOOL_JVM_OPTS"
	[[ $class == kafka.tools.StorageTool ]] && kind=storage
	cds_prepare "$kind" "${opts[@]}"
	"$JAVA" "${opts[@]}" "${CDS_OPTS[@]}" -Djava.awt.headless=true \
		"-Dlog4j2.configurationFile=$(tools_log4j)" -cp "$LIBS/*" "$class" "$@" || rc=$?
	if [[ -n $CDS_LOCK_FD ]]; then
		cds_release
		cds_sweep
	fi
	return "$rc"
}

cmd_tool() {
	[[ $# -ge 1 ]] || die "tool: which one? e.g. tool kafka-topics --bootstrap-server B --list"
	local class
	class=$(tool_class "$1") || die "tool: unknown tool '$1' (a kafka-* name as in the distribution's bin/, or a class name)"
	case $1 in
	*perf-test* | *e2e-latency* | *verifiable*) TOOL_JVM_OPTS=$LOAD_TOOL_JVM_OPTS TOOL_CDS_KIND=load ;;
	esac
	shift
	libs_ready || cmd_fetch
	run_tool "$class" "$@"
}

# ---------------------------------------------------------------- options

DIR=$DEFAULT_DIR
NODES=1
SECURITY=plaintext
TTL=2h
PARENT=${PITCHKAFKA_KAFKA_PARENT:-}
START_TIMEOUT=${PITCHKAFKA_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=20
CLEAN=0
HARD=0
FROM_WATCHDOG=0
EXTRA_CONFIG=()
ARGS=()

parse_opts() {
	ARGS=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		--dir) DIR=${2:?--dir needs a folder}; shift 2 ;;
		--dir=*) DIR=${1#*=}; shift ;;
		--nodes) NODES=${2:?--nodes needs 1 or 3}; shift 2 ;;
		--nodes=*) NODES=${1#*=}; shift ;;
		--security) SECURITY=${2:?--security needs plaintext or sasl-ssl}; shift 2 ;;
		--security=*) SECURITY=${1#*=}; shift ;;
		--ttl) TTL=${2:?--ttl needs a duration}; shift 2 ;;
		--ttl=*) TTL=${1#*=}; shift ;;
		--parent) PARENT=${2:?--parent needs a pid}; shift 2 ;;
		--parent=*) PARENT=${1#*=}; shift ;;
		--timeout) START_TIMEOUT=${2:?--timeout needs seconds}; STOP_TIMEOUT=$START_TIMEOUT; shift 2 ;;
		--timeout=*) START_TIMEOUT=${1#*=}; STOP_TIMEOUT=$START_TIMEOUT; shift ;;
		--config) EXTRA_CONFIG+=("${2:?--config needs key=value}"); shift 2 ;;
		--config=*) EXTRA_CONFIG+=("${1#*=}"); shift ;;
		--clean) CLEAN=1; shift ;;
		--kill) HARD=1; shift ;;
		--from-watchdog) FROM_WATCHDOG=1; shift ;;
		--) shift; ARGS+=("$@"); break ;;
		-*) die "unknown option $1 (see: scripts/kafka.sh help)" ;;
		*) ARGS+=("$1"); shift ;;
		esac
	done
	[[ $NODES =~ ^[1-5]$ ]] || die "--nodes: 1 to 5 (1 and 3 are the tested ones), got '$NODES'"
	[[ $SECURITY == plaintext || $SECURITY == sasl-ssl ]] || die "--security: plaintext or sasl-ssl, got '$SECURITY'"
	[[ $START_TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout: whole seconds, got '$START_TIMEOUT'"
	[[ -z $PARENT || $PARENT =~ ^[0-9]+$ ]] || die "--parent: a pid, got '$PARENT'"
	DIR=$(readlink -m "$DIR")
}

# acl passes every other argument to kafka-acls as it is.
parse_dir_only() {
	ARGS=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		--dir) DIR=${2:?--dir needs a folder}; shift 2 ;;
		--dir=*) DIR=${1#*=}; shift ;;
		*) ARGS+=("$1"); shift ;;
		esac
	done
	DIR=$(readlink -m "$DIR")
}

ttl_seconds() {
	local t=$1
	[[ $t =~ ^([0-9]+[smh]?|none|off)$ ]] || return 1
	case $t in
	0 | none | off) echo 0 ;;
	*[0-9]s) echo "${t%s}" ;;
	*[0-9]m) echo $((${t%m} * 60)) ;;
	*[0-9]h) echo $((${t%h} * 3600)) ;;
	*[0-9]) echo "$t" ;;
	*) return 1 ;;
	esac
}

# ---------------------------------------------------------------- state

# DIR/cluster.env: key=value lines that the later commands read back.
getv() {
	local line
	[[ -f $DIR/cluster.env ]] || die "no cluster in $DIR (start one first, or pass --dir)"
	while IFS= read -r line; do
		if [[ ${line%%=*} == "$1" ]]; then
			echo "${line#*=}"
			return 0
		fi
	done <"$DIR/cluster.env"
	return 1
}

proc_start_time() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# Field 22 of stat is the 20th after "pid (comm) ".
	local -a fields
	read -r -a fields <<<"$stat"
	echo "${fields[19]}"
}

# owned PID [DIR]: the process is alive and its command line names the
# cluster's folder, so a reused pid never gets our signal.
owned() {
	local pid=$1 dir=${2:-$DIR} cmdline
	[[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
	cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) " || return 1
	[[ $cmdline == *"$dir/"* || $cmdline == *" $dir "* ]]
}

node_pid() {
	local f="$DIR/pids/node-$1.pid" pid
	[[ -f $f ]] || return 1
	pid=$(<"$f")
	owned "$pid" || return 1
	echo "$pid"
}

# alive PID: exists and is not a zombie.
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- ports

listening_ports() {
	# /proc/net/tcp{,6}: field 2 is local addr:port in hex, field 4 the state (0A = LISTEN)
	local hex
	awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null | while read -r hex; do
		echo $((16#$hex))
	done
}

# A registered port stays taken while its cluster's watchdog lives, or for
# 10 minutes after it was handed out.
port_taken_by_registry() {
	local f="$PORT_REGISTRY/$1" owner_dir wpid
	[[ -f $f ]] || return 1
	if [[ -n $(find "$f" -mmin -10 2>/dev/null) ]]; then return 0; fi
	owner_dir=$(<"$f")
	[[ -f $owner_dir/pids/watchdog.pid ]] || return 1
	wpid=$(<"$owner_dir/pids/watchdog.pid")
	owned "$wpid" "$owner_dir"
}

# alloc_ports COUNT: prints COUNT free ports, one a line, and registers them to DIR.
alloc_ports() {
	local count=$1 low lock_fd tries=0 p
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	((low > PORT_MIN + 1000)) || low=61000 # an odd range: fall back above it
	mkdir -p "$PORT_REGISTRY"
	exec {lock_fd}>"$PORT_REGISTRY/.lock"
	flock "$lock_fd"
	local -A used=()
	for p in $(listening_ports); do used[$p]=1; done
	local -a got=()
	while ((${#got[@]} < count)); do
		((tries++ < 5000)) || die "no free port found between $PORT_MIN and $low"
		p=$((PORT_MIN + RANDOM % (low - PORT_MIN)))
		[[ -z ${used[$p]:-} ]] || continue
		port_taken_by_registry "$p" && continue
		used[$p]=1
		got+=("$p")
		echo "$DIR" >"$PORT_REGISTRY/$p"
	done
	exec {lock_fd}>&-
	printf '%s\n' "${got[@]}"
}

release_ports() {
	local p f
	for p in $(getv ports 2>/dev/null | tr ',' ' '); do
		f="$PORT_REGISTRY/$p"
		[[ -f $f && "$(<"$f")" == "$DIR" ]] && rm -f "$f"
	done
	return 0
}

# ---------------------------------------------------------------- TLS and users

rand_secret() { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }

make_tls() {
	local tls="$DIR/tls"
	mkdir -p "$tls"
	command -v openssl >/dev/null || die "openssl is needed for --security sasl-ssl"
	# A throwaway CA and one server certificate for 127.0.0.1/localhost,
	# EC P-256 (fast to make), unencrypted PKCS#8 keys (Kafka's PEM stores
	# take them as they are, without ssl.key.password).
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=pitchkafka test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
		"basicConstraints=CA:FALSE" >"$tls/server.ext"
	openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
		-days 30 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
	cat "$tls/server.key" "$tls/server.pem" "$tls/ca.pem" >"$tls/server-keystore.pem"
	chmod 600 "$tls"/*.key "$tls/server-keystore.pem"
}

# ---------------------------------------------------------------- configs

write_broker_log4j() {
	mkdir -p "$DIR/config"
	cat >"$DIR/config/log4j2.properties" <<-'EOF'
		# One server.log per node (folder given by -Dkafka.logs.dir), rolled at 50 MB.
		status = error
		appender.server.type = RollingFile
		appender.server.name = SERVER
		appender.server.fileName = ${sys:kafka.logs.dir}/server.log
		appender.server.filePattern = ${sys:kafka.logs.dir}/server.log.%i
		appender.server.layout.type = PatternLayout
		appender.server.layout.pattern = [%d] %p %m (%c)%n
		appender.server.policies.type = Policies
		appender.server.policies.size.type = SizeBasedTriggeringPolicy
		appender.server.policies.size.size = 50MB
		appender.server.strategy.type = DefaultRolloverStrategy
		appender.server.strategy.max = 2
		rootLogger.level = info
		rootLogger.appenderRef.server.ref = SERVER
		logger.request.name = kafka.request.logger
		logger.request.level = warn
		logger.network.name = kafka.network.RequestChannel$
		logger.network.level = warn
		logger.authorizer.name = kafka.authorizer.logger
		logger.authorizer.level = info
	EOF
}

# write_node_config N: DIR/config/node-N.properties
write_node_config() {
	local n=$1 bport cport voters rf minisr
	bport=$(getv "node.$n.port")
	cport=$(getv "node.$n.controller.port")
	voters=$(getv voters)
	rf=$((NODES >= 3 ? 3 : NODES))
	minisr=$((NODES >= 3 ? 2 : 1))
	local f="$DIR/config/node-$n.properties"
	{
		cat <<-EOF
			# Written by scripts/kafka.sh start: node $n of $NODES, $SECURITY.
			process.roles=broker,controller
			node.id=$n
			controller.quorum.voters=$voters
			controller.listener.names=CONTROLLER
			log.dirs=$DIR/data/node-$n
			num.partitions=1
			default.replication.factor=$rf
			# pitchkafka creates its topics itself, and kfake (the tests' other
			# broker) does not auto-create either: a missed create fails loudly.
			auto.create.topics.enable=false
			# Internal topics fit the cluster; 6 partitions instead of 50 make the
			# first group and the first transaction quick to load.
			offsets.topic.replication.factor=$rf
			offsets.topic.num.partitions=6
			transaction.state.log.replication.factor=$rf
			transaction.state.log.min.isr=$minisr
			transaction.state.log.num.partitions=6
			share.coordinator.state.topic.replication.factor=$rf
			share.coordinator.state.topic.min.isr=$minisr
			share.coordinator.state.topic.num.partitions=6
			# Groups: both protocols are on by default in 4.4
			# (group.coordinator.rebalance.protocols=classic,consumer,streams,
			# deprecated as a setting). No initial delay; classic sessions down to 1 s (client
			# session.timeout.ms); KIP-848 groups: broker-side session 10 s and
			# heartbeat 1 s by default, per group down to 1 s / 0.5 s with
			#   kafka-configs --entity-type groups --entity-name G --alter
			#     --add-config consumer.session.timeout.ms=..,consumer.heartbeat.interval.ms=..
			group.initial.rebalance.delay.ms=0
			group.min.session.timeout.ms=1000
			group.consumer.min.session.timeout.ms=1000
			group.consumer.session.timeout.ms=10000
			group.consumer.min.heartbeat.interval.ms=500
			group.consumer.heartbeat.interval.ms=1000
			# Log cleaner and retention act within seconds (tests set segment.ms and
			# min.cleanable.dirty.ratio per topic).
			log.initial.task.delay.ms=1000
			log.cleaner.backoff.ms=1000
			log.retention.check.interval.ms=5000
			log.segment.delete.delay.ms=1000
			# Fault tests: a killed node is fenced, and its partitions get new
			# leaders, about 3 s after its last heartbeat (Kafka's default: 9 s).
			broker.heartbeat.interval.ms=500
			broker.session.timeout.ms=3000
			# A small machine: few threads.
			num.network.threads=2
			num.io.threads=4
			num.recovery.threads.per.data.dir=1
			background.threads=4
		EOF
		if [[ $SECURITY == plaintext ]]; then
			cat <<-EOF
				listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
				advertised.listeners=PLAINTEXT://127.0.0.1:$bport
				inter.broker.listener.name=PLAINTEXT
				listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
			EOF
		else
			local admin_pw pk_pw guest_pw
			admin_pw=$(getv user.admin)
			pk_pw=$(getv user.pitchkafka)
			guest_pw=$(getv user.guest)
			cat <<-EOF
				listeners=SASL_SSL://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
				advertised.listeners=SASL_SSL://127.0.0.1:$bport
				inter.broker.listener.name=SASL_SSL
				# The controller listener is on loopback only: PLAINTEXT, and its
				# principal (ANONYMOUS) must be a super user for the brokers'
				# registrations and the Raft traffic between controllers.
				listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
				sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
				sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
				listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
				listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
				listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="$admin_pw" user_pitchkafka="$pk_pw" user_guest="$guest_pw";
				ssl.keystore.type=PEM
				ssl.keystore.location=$DIR/tls/server-keystore.pem
				ssl.truststore.type=PEM
				ssl.truststore.location=$DIR/tls/ca.pem
				ssl.client.auth=none
				authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
				allow.everyone.if.no.acl.found=false
				super.users=User:admin;User:ANONYMOUS
			EOF
		fi
		if ((${#EXTRA_CONFIG[@]} > 0)); then
			echo "# --config"
			printf '%s\n' "${EXTRA_CONFIG[@]}"
		fi
	} >"$f"
}

write_client_files() {
	local bootstrap=$1
	echo "$bootstrap" >"$DIR/bootstrap"
	if [[ $SECURITY == plaintext ]]; then
		printf 'bootstrap.servers=%s\nsecurity.protocol=plaintext\n' "$bootstrap" >"$DIR/client.properties"
		printf 'bootstrap.servers=%s\nsecurity.protocol=PLAINTEXT\n' "$bootstrap" >"$DIR/admin.properties"
		cp "$DIR/admin.properties" "$DIR/java-client.properties"
		return 0
	fi
	local user pw file
	# librdkafka (confluent-kafka-go, kcat -F): client.properties is the
	# pitchkafka user, client-admin the super user, client-guest a user that
	# never gets an ACL.
	for user in pitchkafka admin guest; do
		pw=$(getv "user.$user")
		file="$DIR/client-$user.properties"
		[[ $user == pitchkafka ]] && file="$DIR/client.properties"
		cat >"$file" <<-EOF
			bootstrap.servers=$bootstrap
			security.protocol=SASL_SSL
			sasl.mechanisms=SCRAM-SHA-512
			sasl.username=$user
			sasl.password=$pw
			ssl.ca.location=$DIR/tls/ca.pem
		EOF
	done
	# Java tools (--command-config, --consumer.config ...): admin.properties is
	# the super user, java-client.properties the pitchkafka user.
	for user in admin pitchkafka; do
		pw=$(getv "user.$user")
		file="$DIR/admin.properties"
		[[ $user == pitchkafka ]] && file="$DIR/java-client.properties"
		cat >"$file" <<-EOF
			bootstrap.servers=$bootstrap
			security.protocol=SASL_SSL
			sasl.mechanism=SCRAM-SHA-512
			sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$user" password="$pw";
			ssl.truststore.type=PEM
			ssl.truststore.location=$DIR/tls/ca.pem
		EOF
	done
	chmod 600 "$DIR"/*.properties
}

# ---------------------------------------------------------------- nodes

format_node() {
	local n=$1 cid
	cid=$(getv cluster.id)
	local -a scram=()
	if [[ $SECURITY == sasl-ssl ]]; then
		local user pw mech
		for user in admin pitchkafka guest; do
			pw=$(getv "user.$user")
			for mech in SCRAM-SHA-512 SCRAM-SHA-256; do
				scram+=(--add-scram "$mech=[name=$user,password=$pw]")
			done
		done
	fi
	run_tool kafka.tools.StorageTool format "--cluster-id=$cid" \
		--config "$DIR/config/node-$n.properties" "${scram[@]}" \
		>"$DIR/logs/node-$n/format.log" 2>&1
}

launch_node() {
	local n=$1
	local logs="$DIR/logs/node-$n"
	mkdir -p "$logs"
	local -a opts
	read -r -a opts <<<"$BROKER_JVM_OPTS"
	# TLS and SASL load classes of their own: one archive per kind of listener.
	cds_prepare "broker-$SECURITY" "${opts[@]}"
	# Nothing of ours on stdout or stdin: `$(kafka.sh start)` must not wait
	# for the JVMs.
	nohup "$JAVA" "${opts[@]}" "${CDS_OPTS[@]}" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
		"-Dkafka.logs.dir=$logs" "-Dlog4j2.configurationFile=$DIR/config/log4j2.properties" \
		-cp "$LIBS/*" kafka.Kafka "$DIR/config/node-$n.properties" \
		</dev/null >>"$logs/stdout.log" 2>&1 &
	echo $! >"$DIR/pids/node-$n.pid"
	cds_release
}

# wait_started N SINCE_BYTE DEADLINE: the node's server.log says it started.
wait_started() {
	local n=$1 since=$2 deadline=$3 pid
	local log="$DIR/logs/node-$n/server.log"
	while :; do
		if [[ -f $log ]] && tail -c +"$((since + 1))" "$log" 2>/dev/null | grep -q 'Kafka Server started'; then
			return 0
		fi
		if ! pid=$(node_pid "$n"); then
			log "node $n exited while starting; its logs: $DIR/logs/node-$n/ (server.log, stdout.log)"
			tail -n 30 "$DIR/logs/node-$n/stdout.log" "$log" >&2 2>/dev/null || true
			return 1
		fi
		if (($(date +%s) >= deadline)); then
			log "node $n (pid $pid) did not start in time; its logs: $DIR/logs/node-$n/"
			tail -n 30 "$log" >&2 2>/dev/null || true
			return 1
		fi
		sleep 0.2
	done
}

# cluster_answers WANT: a metadata request through the client listener lists
# WANT brokers.
cluster_answers() {
	local want=$1 out got
	out=$(TOOL_CDS_KIND="check-$SECURITY" run_tool org.apache.kafka.tools.BrokerApiVersionsCommand \
		--bootstrap-server "$(getv bootstrap)" --command-config "$DIR/admin.properties" 2>&1) || {
		echo "$out" >"$DIR/logs/last-check.log"
		return 1
	}
	got=$(grep -c '(id: ' <<<"$out" || true)
	echo "$out" >"$DIR/logs/last-check.log"
	[[ $got -eq $want ]]
}

log_size() { stat -c %s "$DIR/logs/node-$1/server.log" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- watchdog

start_watchdog() {
	local ttl_s=$1 parent_start=""
	if [[ -n $PARENT ]]; then
		parent_start=$(proc_start_time "$PARENT") || die "--parent $PARENT: no such process"
	fi
	nohup setsid "$SELF" _watchdog --dir "$DIR" "$ttl_s" "${PARENT:-0}" "${parent_start:-0}" \
		</dev/null >>"$DIR/logs/watchdog.log" 2>&1 &
	echo $! >"$DIR/pids/watchdog.pid"
}

cmd_watchdog() {
	local ttl_s=$1 parent=$2 parent_start=$3 t0 reason=""
	t0=$(date +%s)
	echo "[$(date -Is)] watchdog $$ for $DIR: ttl ${ttl_s}s, parent ${parent}"
	while sleep 2; do
		[[ -f $DIR/pids/watchdog.pid && "$(<"$DIR/pids/watchdog.pid")" == "$$" ]] || exit 0
		if ((ttl_s > 0 && $(date +%s) - t0 >= ttl_s)); then
			reason="its ttl of ${ttl_s}s ran out"
		elif [[ $parent != 0 ]] && { ! alive "$parent" || [[ "$(proc_start_time "$parent" 2>/dev/null || true)" != "$parent_start" ]]; }; then
			reason="its parent process $parent is gone"
		fi
		if [[ -n $reason ]]; then
			# Nobody waits for this cluster any more: SIGKILL, no controlled shutdown.
			echo "[$(date -Is)] stopping the cluster (SIGKILL): $reason"
			exec "$SELF" stop --dir "$DIR" --from-watchdog --kill
		fi
	done
}

# ---------------------------------------------------------------- commands

cluster_running_pids() {
	local n
	for ((n = 1; n <= $(getv nodes); n++)); do node_pid "$n" || true; done
}

cmd_start() {
	local ttl_s t0
	t0=$(now_ms)
	ttl_s=$(ttl_seconds "$TTL") || die "--ttl: e.g. 2h, 30m, 90s or 0 for none, got '$TTL'"
	if [[ -f $DIR/cluster.env ]] && [[ -n $(cluster_running_pids) ]]; then
		die "a cluster is already running in $DIR ($(getv bootstrap)): scripts/kafka.sh stop --dir $DIR first"
	fi
	if [[ -f $DIR/cluster.env ]]; then release_ports; fi
	libs_ready || cmd_fetch
	"$JAVA" -version >/dev/null 2>&1 || die "no java: install Java 17+ or set JAVA_HOME"

	mkdir -p "$DIR"
	DIR=$(readlink -f "$DIR")
	# A fresh cluster each time: only the paths this script makes.
	rm -rf "$DIR/data" "$DIR/logs" "$DIR/config" "$DIR/tls" "$DIR/pids" "$DIR/cluster.env" \
		"$DIR/bootstrap" "$DIR"/client*.properties "$DIR/admin.properties" "$DIR/java-client.properties"
	mkdir -p "$DIR/data" "$DIR/logs" "$DIR/config" "$DIR/pids"

	local -a ports
	mapfile -t ports < <(alloc_ports $((2 * NODES)))
	((${#ports[@]} == 2 * NODES)) || die "could not pick $((2 * NODES)) free ports"
	local n voters="" bootstrap="" portlist=""
	{
		echo "version=$KAFKA_VERSION"
		echo "nodes=$NODES"
		echo "security=$SECURITY"
		# A KRaft cluster id: 16 random bytes, URL-safe base64 without padding,
		# and never starting with "-", which kafka-storage would take for an option.
		local cid
		cid=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
		echo "cluster.id=${cid/#-/A}"
		for ((n = 1; n <= NODES; n++)); do
			local bp=${ports[$((2 * n - 2))]} cp=${ports[$((2 * n - 1))]}
			echo "node.$n.port=$bp"
			echo "node.$n.controller.port=$cp"
			voters+="${voters:+,}$n@127.0.0.1:$cp"
			bootstrap+="${bootstrap:+,}127.0.0.1:$bp"
			portlist+="${portlist:+,}$bp,$cp"
		done
		echo "voters=$voters"
		echo "bootstrap=$bootstrap"
		echo "ports=$portlist"
		if [[ $SECURITY == sasl-ssl ]]; then
			echo "user.admin=$(rand_secret)"
			echo "user.pitchkafka=$(rand_secret)"
			echo "user.guest=$(rand_secret)"
		fi
	} >"$DIR/cluster.env"
	chmod 600 "$DIR/cluster.env"

	if [[ $SECURITY == sasl-ssl ]]; then make_tls; fi
	write_broker_log4j
	for ((n = 1; n <= NODES; n++)); do
		mkdir -p "$DIR/logs/node-$n"
		write_node_config "$n"
	done
	write_client_files "$bootstrap"

	log "formatting $NODES node(s) in $DIR (cluster id $(getv cluster.id))"
	local -a fpids=()
	for ((n = 1; n <= NODES; n++)); do
		format_node "$n" &
		fpids+=($!)
	done
	for ((n = 1; n <= NODES; n++)); do
		wait "${fpids[$((n - 1))]}" || {
			cat "$DIR/logs/node-$n/format.log" >&2
			release_ports
			die "kafka-storage format failed for node $n (log: $DIR/logs/node-$n/format.log)"
		}
	done

	log "starting $NODES node(s), Kafka $KAFKA_VERSION, $SECURITY, bootstrap $bootstrap"
	# The watchdog first: whatever happens to this script from here on, the
	# nodes do not outlive --ttl or --parent. Interrupted, start stops them.
	start_watchdog "$ttl_s"
	trap 'HARD=1 cmd_stop >/dev/null 2>&1; exit 130' INT TERM HUP
	for ((n = 1; n <= NODES; n++)); do launch_node "$n"; done

	local deadline=$(($(date +%s) + START_TIMEOUT))
	for ((n = 1; n <= NODES; n++)); do
		wait_started "$n" 0 "$deadline" || {
			HARD=1 cmd_stop >/dev/null 2>&1 || true
			die "the cluster did not start (logs: $DIR/logs/); it is stopped"
		}
	done
	until cluster_answers "$NODES"; do
		if (($(date +%s) >= deadline)); then
			cat "$DIR/logs/last-check.log" >&2 || true
			HARD=1 cmd_stop >/dev/null 2>&1 || true
			die "the cluster started but did not answer a metadata request with $NODES broker(s) in ${START_TIMEOUT}s (logs: $DIR/logs/); it is stopped"
		fi
		sleep 0.5
	done
	trap - INT TERM HUP
	log "ready in $(($(now_ms) - t0)) ms: $NODES node(s) in $DIR, watchdog ttl ${TTL}${PARENT:+, parent pid $PARENT}"
	echo "$bootstrap"
}

# stop_pid PID WHAT: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL (SIGKILL at once with --kill).
stop_pids() {
	local -a pids=("$@")
	local pid deadline
	((${#pids[@]} > 0)) || return 0
	if ((HARD)); then
		kill -KILL "${pids[@]}" 2>/dev/null || true
	else
		kill -TERM "${pids[@]}" 2>/dev/null || true
	fi
	deadline=$(($(date +%s) + STOP_TIMEOUT))
	# Wait for the processes to be gone, not only their command lines (empty
	# while a JVM exits, e.g. writing its class archive).
	for pid in "${pids[@]}"; do
		while alive "$pid"; do
			if (($(date +%s) >= deadline)); then
				log "pid $pid still alive after ${STOP_TIMEOUT}s: SIGKILL"
				kill -KILL "$pid" 2>/dev/null || true
			fi
			sleep 0.1
		done
	done
}

cmd_stop() {
	[[ -f $DIR/cluster.env ]] || { log "no cluster in $DIR"; return 0; }
	local t0 n pid wpid
	t0=$(now_ms)
	# The watchdog first, so that it does not stop the cluster a second time.
	if ((!FROM_WATCHDOG)) && [[ -f $DIR/pids/watchdog.pid ]]; then
		wpid=$(<"$DIR/pids/watchdog.pid")
		if owned "$wpid"; then kill -TERM -- "-$wpid" 2>/dev/null || kill -TERM "$wpid" 2>/dev/null || true; fi
	fi
	rm -f "$DIR/pids/watchdog.pid"
	local -a pids=()
	for ((n = 1; n <= $(getv nodes); n++)); do
		if pid=$(node_pid "$n"); then pids+=("$pid"); fi
	done
	stop_pids "${pids[@]}"
	rm -f "$DIR"/pids/node-*.pid
	release_ports
	cds_sweep
	log "stopped ${#pids[@]} node(s) in $DIR in $(($(now_ms) - t0)) ms"
	if ((CLEAN)); then
		rm -rf "$DIR/data" "$DIR/logs" "$DIR/config" "$DIR/tls" "$DIR/pids" "$DIR/cluster.env" \
			"$DIR/bootstrap" "$DIR"/client*.properties "$DIR/admin.properties" "$DIR/java-client.properties"
		rmdir "$DIR" 2>/dev/null || true
	fi
}

node_arg() {
	local n=${1:-}
	[[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le $(getv nodes) ]] || die "which node? 1 to $(getv nodes), got '$n'"
	echo "$n"
}

cmd_kill() {
	local n pid
	n=$(node_arg "${ARGS[0]:-}")
	if pid=$(node_pid "$n"); then
		HARD=1 stop_pids "$pid"
		log "node $n (pid $pid, 127.0.0.1:$(getv "node.$n.port")) killed with SIGKILL"
		cds_sweep
	else
		log "node $n was not running"
	fi
	rm -f "$DIR/pids/node-$n.pid"
}

cmd_restart() {
	local n pid t0 since
	n=$(node_arg "${ARGS[0]:-}")
	NODES=$(getv nodes)
	SECURITY=$(getv security)
	t0=$(now_ms)
	if pid=$(node_pid "$n"); then
		log "node $n is running (pid $pid): stopping it first"
		stop_pids "$pid"
	fi
	[[ -f $DIR/pids/watchdog.pid ]] || die "the cluster in $DIR was stopped (its watchdog is gone): start a new one"
	since=$(log_size "$n")
	launch_node "$n"
	wait_started "$n" "$since" $(($(date +%s) + START_TIMEOUT)) || die "node $n did not come back (logs: $DIR/logs/node-$n/)"
	log "node $n back (pid $(<"$DIR/pids/node-$n.pid"), 127.0.0.1:$(getv "node.$n.port")) in $(($(now_ms) - t0)) ms"
}

cmd_status() {
	[[ -f $DIR/cluster.env ]] || { echo "no cluster in $DIR"; return 4; }
	local n pid up=0 total wpid
	total=$(getv nodes)
	echo "Kafka $(getv version), $total node(s), $(getv security), dir $DIR"
	echo "bootstrap $(getv bootstrap)"
	for ((n = 1; n <= total; n++)); do
		if pid=$(node_pid "$n"); then
			up=$((up + 1))
			echo "node $n: running pid $pid 127.0.0.1:$(getv "node.$n.port") (controller :$(getv "node.$n.controller.port")) rss $(($(rss_kb "$pid") / 1024)) MiB"
		else
			echo "node $n: down 127.0.0.1:$(getv "node.$n.port")"
		fi
	done
	if [[ -f $DIR/pids/watchdog.pid ]] && owned "$(<"$DIR/pids/watchdog.pid")"; then
		echo "watchdog: pid $(<"$DIR/pids/watchdog.pid")"
	else
		echo "watchdog: none"
	fi
	((up == total)) && return 0
	((up > 0)) && return 3
	return 4
}

cmd_acl() {
	[[ $(getv security) == sasl-ssl ]] || die "acl: the cluster in $DIR has no authorizer (start it with --security sasl-ssl)"
	libs_ready || cmd_fetch
	run_tool org.apache.kafka.tools.AclCommand --bootstrap-server "$(getv bootstrap)" \
		--command-config "$DIR/admin.properties" "${ARGS[@]}"
}

cmd_grant() {
	local user=${ARGS[0]:-}
	[[ -n $user ]] || die "grant: which user? e.g. grant pitchkafka"
	ARGS=(--add --allow-principal "User:$user" --operation All
		--topic '*' --group '*' --transactional-id '*' --cluster)
	cmd_acl >/dev/null
	log "granted All on every topic, group, transactional id and the cluster to User:$user"
}

usage() {
	cat <<EOF
scripts/kafka.sh: a real Apache Kafka $KAFKA_VERSION (KRaft) for tests, from Maven Central jars.

  fetch                        jars into \${PITCHKAFKA_CACHE:-~/.cache/pitchkafka}/kafka-$KAFKA_VERSION/libs (Maven)
  start [--nodes 1|3] [--security plaintext|sasl-ssl] [--dir DIR]
        [--ttl 2h] [--parent PID] [--timeout 120] [--config key=value]...
                               format and start a cluster; prints ONE line on stdout,
                               the bootstrap list 127.0.0.1:P1[,127.0.0.1:P2,...]
  stop [--dir DIR] [--clean] [--kill]
                               SIGTERM each node (SIGKILL after 20 s, or at once with
                               --kill); --clean also removes data, logs and config
  kill N [--dir DIR]           SIGKILL node N
  restart N [--dir DIR]        start node N again with its data and ports; waits
                               until its log says "Kafka Server started"
  status [--dir DIR]           nodes, pids, ports, RSS (exit 0 all up, 3 some, 4 none)
  tool NAME ARGS...            a Kafka tool from the same jars: kafka-topics,
                               kafka-configs, kafka-acls, kafka-console-consumer,
                               kafka-console-producer, kafka-consumer-groups,
                               kafka-metadata-quorum, kafka-get-offsets, ... or a class name
  acl [--dir DIR] ARGS...      kafka-acls as the admin super user (sasl-ssl)
  grant USER [--dir DIR]       ACL: All on every topic, group, transactional id, cluster

DIR defaults to \$PITCHKAFKA_KAFKA_DIR or ${TMPDIR:-/tmp}/pitchkafka-kafka-UID. It holds:
  bootstrap                the same line start prints
  client.properties        librdkafka properties (bootstrap.servers, and for sasl-ssl
                           SASL_SSL + SCRAM-SHA-512 as user pitchkafka, ssl.ca.location);
                           kcat -F DIR/client.properties -L
  client-admin.properties  the same as the super user admin; client-guest.properties:
                           user guest, who never gets an ACL
  admin.properties         Java tools' --command-config, super user admin
  java-client.properties   Java clients as user pitchkafka
  tls/ca.pem               the test CA (sasl-ssl)
  logs/node-N/server.log   each node's log; data/node-N; pids/node-N.pid, pids/watchdog.pid
  cluster.env              ports, cluster id, users' passwords (key=value)

Every cluster has a watchdog that stops it (SIGKILL) when --ttl runs out (default 2h,
0 = never) or, with --parent PID (or PITCHKAFKA_KAFKA_PARENT), within 2 s of that
process being gone: a Go test passes its own pid.

From a Go test (stdout is the bootstrap line alone, progress goes to stderr):
  out, err := exec.Command("scripts/kafka.sh", "start", "--dir", dir,
      "--parent", strconv.Itoa(os.Getpid()), "--ttl", "1h").Output()
  t.Cleanup(func() { exec.Command("scripts/kafka.sh", "stop", "--kill", "--dir", dir).Run() })
stop --kill takes ~0.1 s; a graceful stop of 3 nodes ~6 s. kill N / restart N keep
node N's data and ports; a restarted node answers again after ~1.5-4.5 s.

Tuned for tests: auto.create.topics.enable=false (as kfake); internal topics with
6 partitions, RF 1 (1 node) or 3 with min.isr 2 (3 nodes); default.replication.factor
= nodes (max 3); group.initial.rebalance.delay.ms=0; classic group sessions from
1 s (group.min.session.timeout.ms=1000); KIP-848 groups (on by default): session
10 s, heartbeat 1 s, per group down to 1 s / 0.5 s with
  tool kafka-configs --bootstrap-server B --alter --entity-type groups --entity-name G \
      --add-config consumer.session.timeout.ms=2000,consumer.heartbeat.interval.ms=500
a killed node is fenced and loses its leaders ~3 s after (broker.session.timeout.ms=3000);
log cleaner and retention act within seconds (set segment.ms, min.cleanable.dirty.ratio
per topic). Anything else: start --config key=value.

sasl-ssl: users admin (super user), pitchkafka and guest, each with SCRAM-SHA-512,
SCRAM-SHA-256 and PLAIN; ACLs on, allow.everyone.if.no.acl.found=false. SCRAM needs
librdkafka >= 2.6.1 against Kafka 4 (confluent-kafka-go v2.11.1 is fine); Debian's kcat
(librdkafka 2.0.2) must use PLAIN: kcat -F DIR/client.properties -X sasl.mechanisms=PLAIN -L
A test grants:
  scripts/kafka.sh grant pitchkafka --dir DIR
  scripts/kafka.sh acl --dir DIR --add --allow-principal User:pitchkafka \\
      --operation Read --operation Describe --topic pitches --group announcers
or, with the tool itself:
  scripts/kafka.sh tool kafka-acls --bootstrap-server "\$(cat DIR/bootstrap)" \\
      --command-config DIR/admin.properties --add --allow-principal User:pitchkafka \\
      --operation All --topic pitches

Java tools of 4.4 print a deprecation line on STDOUT for --consumer-property and
--consumer.config: use --command-property and --command-config, e.g.
  tool kafka-console-consumer --bootstrap-server B --topic pitches --group announcers \
      --command-property group.protocol=consumer --from-beginning --max-messages 10

Environment: PITCHKAFKA_CACHE, PITCHKAFKA_KAFKA_DIR, PITCHKAFKA_KAFKA_PARENT,
PITCHKAFKA_KAFKA_START_TIMEOUT, PITCHKAFKA_KAFKA_JVM_OPTS (brokers; default
"$BROKER_JVM_OPTS"), PITCHKAFKA_KAFKA_TOOL_JVM_OPTS, PITCHKAFKA_KAFKA_CDS=0 (no class
data sharing archives in the cache's cds/), JAVA_HOME (Java 17 or newer).
EOF
}

main() {
	local cmd=${1:-help}
	[[ $# -gt 0 ]] && shift
	case $cmd in
	fetch) cmd_fetch ;;
	tool) cmd_tool "$@" ;;
	start) parse_opts "$@"; cmd_start ;;
	stop) parse_opts "$@"; cmd_stop ;;
	kill) parse_opts "$@"; cmd_kill ;;
	restart) parse_opts "$@"; cmd_restart ;;
	status) parse_opts "$@"; cmd_status ;;
	acl) parse_dir_only "$@"; cmd_acl ;;
	grant) parse_opts "$@"; cmd_grant ;;
	_watchdog) parse_opts "$@"; cmd_watchdog "${ARGS[@]}" ;;
	help | -h | --help) usage ;;
	*) usage >&2; exit 2 ;;
	esac
}

main "$@"
