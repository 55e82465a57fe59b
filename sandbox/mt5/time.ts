/**
 * The simulated trade server's clock. MT5 writes every time as its own wall clock read as if it were
 * UTC ("server epoch": MQ docs `webapi_time_server`, `imtserverapi_timecurrent`), in a zone the
 * broker configures (`webapi_time_data_structure`). Conversions come from lib/time.ts; this file
 * only holds "now" (injectable, so tests move time instead of waiting) and the zone.
 */
import {
	formatServerTime,
	offsetSecondsAt,
	parseServerZone,
	utcToServerTime,
	utcToServerTimeMsc,
	type ServerZone,
} from '../../lib/time';

/** The common broker clock: GMT+2 in winter, GMT+3 in summer, switching on the EU dates. */
export const DEFAULT_SERVER_ZONE = 'Europe/Athens';

export class ServerClock {
	readonly zone: ServerZone;

	constructor(
		zone: string = DEFAULT_SERVER_ZONE,
		/** Real UTC now, in epoch milliseconds. */
		readonly nowMs: () => number = Date.now,
	) {
		this.zone = parseServerZone(zone, 'serverZone');
	}

	/** Server epoch seconds now (what `Time`, `Registration` and deal `from`/`to` use). */
	serverNow(): number {
		return utcToServerTime(new Date(this.nowMs()), this.zone);
	}

	/** Server epoch milliseconds now (`TimeMsc`). */
	serverNowMsc(): number {
		return utcToServerTimeMsc(new Date(this.nowMs()), this.zone);
	}

	/** Server epoch milliseconds of a UTC instant (seeded history). */
	serverMscOf(utc: Date | string | number): number {
		return utcToServerTimeMsc(typeof utc === 'number' ? new Date(utc) : utc, this.zone);
	}

	/** `/api/time/server`'s `Time`: "1572518788 2019.10.31 10:46:28". */
	serverTimeText(): string {
		const now = this.serverNow();
		return `${now} ${formatServerTime(now)}`;
	}

	/**
	 * `/api/time/get` (`webapi_time_data_structure`): `TimeZone` is the STANDARD offset in minutes,
	 * `Daylight` says the zone switches, `DaylightState` says the summer hour is on now. The
	 * standard offset is the smaller of January's and July's, which holds in both hemispheres.
	 */
	timeConfig(): { Daylight: string; DaylightState: string; TimeZone: string; TimeServer: string } {
		const now = new Date(this.nowMs());
		const year = now.getUTCFullYear();
		const january = offsetSecondsAt(this.zone, new Date(Date.UTC(year, 0, 15)));
		const july = offsetSecondsAt(this.zone, new Date(Date.UTC(year, 6, 15)));
		const standard = Math.min(january, july);
		return {
			Daylight: january === july ? '0' : '1',
			DaylightState: offsetSecondsAt(this.zone, now) > standard ? '1' : '0',
			TimeZone: String(standard / 60),
			TimeServer: '',
		};
	}
}
