#!/usr/bin/env bash
# Writes the two bundled real datasets from Debian's packages, as committed under
# src-main/engine/tasks/data/ (see docs/DATASETS.md for their origin and licence):
#   digits.csv  the UCI optical-recognition handwritten digits as scikit-learn ships them
#               (apt-get install python3-sklearn): 1,797 rows of 64 pixels (0–16), then the label
#   co2.csv     the Mauna Loa monthly CO2 series of R's datasets package (apt-get install r-base-core):
#               468 months, January 1959 to December 1997, ppm
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/src-main/engine/tasks/data"
mkdir -p "$out"
zcat /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz > "$out/digits.csv"
Rscript -e 'd <- data.frame(month = sprintf("%d-%02d", floor(time(co2) + 1e-6), cycle(co2)), co2 = as.numeric(co2)); write.csv(d, stdout(), row.names = FALSE, quote = FALSE)' > "$out/co2.csv"
wc -l "$out/digits.csv" "$out/co2.csv"
