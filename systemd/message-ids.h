/* Journal MESSAGE_ID= values of the events an operator looks for; mountwarden.catalog explains
 * each one to `journalctl -x`. Generated once with `systemd-id128 new`: never change them, tools
 * and saved queries match on them. */
#pragma once

#define MW_MESSAGE_HARDENED "a08c19a0853244e992fffb68705bd2fa"
#define MW_MESSAGE_REMOUNT_FAILED "9442e0cec1ff4bb685cba4574fd056be"
#define MW_MESSAGE_OVERRIDE_EXPIRED "4923ec8918bf482e9111cfa4d1c7f390"
