#!/bin/sh
# hello: says which platform the image was built for and what the CPU reports at run time.
built_for=$(cat /etc/hello/target-platform 2>/dev/null || echo unknown)
greeting=$(cat /etc/hello/greeting 2>/dev/null || echo Hello)
echo "${greeting} from an image built for ${built_for}, running on $(uname -m) ($(busybox 2>&1 | head -n 1))"
