/*
 * reboot: take the host down.
 * Tries: reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
 *        LINUX_REBOOT_CMD_POWER_OFF, NULL).
 * Must:  SIGSYS, exit 4 (and the machine still up to report it).
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try reboot power off");
	long r = sys4(169, 0xfee1dead, 672274793, 0x4321fedc, 0);
	saynum("survived", r);
	return 0;
}
