package balance

import "time"

// processStart anchors uptime where the system offers no better clock.
var processStart = time.Now()
