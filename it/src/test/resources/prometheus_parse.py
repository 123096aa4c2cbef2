# Parses Prometheus text exposition on stdin with the official client's parser (Debian python3-prometheus-client)
# and prints every sample as JSON: [{"family", "type", "name", "labels", "value"}]. Exits 1 on a parse error.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels,
                        "value": s.value})
print(json.dumps(samples))
