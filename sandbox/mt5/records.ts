/**
 * The JSON records the Web API returns. Every number is a JSON STRING, as in all of MetaQuotes'
 * examples (`"Login":"954402"`, `"Balance":"26000.00"`: `webapi_user_add`,
 * `webapi_user_account_get`); money carries the account currency's digits, prices the symbol's.
 * Field names and order follow `webapi_user_data_structure`, `webapi_deal_data_structure`,
 * `webapi_position_data_structure` and `webapi_group_get`.
 */
import { currencyDigits } from '../../lib/money';
import { formatMinor, formatRatio } from './amounts';
import { SYMBOLS, type AccountFigures, type Deal, type GroupConfig, type Position, type User } from './store';

type Json = Record<string, unknown>;

/** `webapi_user_data_structure`. Passwords are never returned. */
export function userRecord(user: User, figures: AccountFigures, digits: number): Json {
	const money = (minor: number) => formatMinor(minor, digits);
	const t = user.text;
	return {
		Login: String(user.login),
		Group: user.group.name,
		CertSerialNumber: '0',
		Rights: String(user.rights),
		Registration: String(user.registration),
		LastAccess: String(user.lastAccess),
		LastIP: '',
		LastPassChange: String(user.lastPassChange),
		Name: t.Name,
		FirstName: t.FirstName,
		LastName: t.LastName,
		MiddleName: t.MiddleName,
		Company: t.Company,
		Account: t.Account,
		Country: t.Country,
		Language: String(user.numbers.Language),
		City: t.City,
		State: t.State,
		ZIPCode: t.ZIPCode,
		Address: t.Address,
		Phone: t.Phone,
		Email: t.Email,
		ID: t.ID,
		Status: t.Status,
		Comment: t.Comment,
		Color: String(user.numbers.Color),
		PhonePassword: t.PhonePassword,
		Leverage: String(user.leverage),
		Agent: String(user.numbers.Agent),
		Balance: money(figures.balance),
		Credit: money(figures.credit),
		InterestRate: '0.00',
		CommissionDaily: money(0),
		CommissionMonthly: money(0),
		CommissionAgentDaily: money(0),
		CommissionAgentMonthly: money(0),
		BalancePrevDay: money(figures.balance),
		BalancePrevMonth: money(figures.balance),
		EquityPrevDay: money(figures.equity),
		EquityPrevMonth: money(figures.equity),
		MQID: t.MQID,
		TradeAccounts: '',
		ApiData: [],
		LeadSource: t.LeadSource,
		LeadCampaign: t.LeadCampaign,
		LimitOrders: '0',
		LimitPositions: '0',
	};
}

/** `webapi_user_account_get`: the trade account, i.e. money state. */
export function accountRecord(user: User, figures: AccountFigures, digits: number): Json {
	const money = (minor: number) => formatMinor(minor, digits);
	return {
		Login: String(user.login),
		CurrencyDigits: String(digits),
		Balance: money(figures.balance),
		Credit: money(figures.credit),
		Margin: money(figures.margin),
		MarginFree: money(figures.marginFree),
		MarginLevel: formatRatio(figures.marginLevel),
		MarginLeverage: String(user.leverage),
		MarginInitial: money(0),
		MarginMaintenance: money(0),
		Profit: money(figures.profit),
		Storage: money(figures.storage),
		Floating: money(figures.floating),
		Equity: money(figures.equity),
		SOActivation: '0',
		SOTime: '0',
		SOLevel: '0.00',
		SOEquity: money(0),
		SOMargin: money(0),
		BlockedCommission: money(0),
		BlockedProfit: money(0),
		Assets: money(0),
		Liabilities: money(0),
	};
}

/** `webapi_deal_data_structure`. A balance operation has no symbol, price or volume. */
export function dealRecord(deal: Deal, digitsCurrency: number): Json {
	const money = (minor: number) => formatMinor(minor, digitsCurrency);
	const spec = SYMBOLS[deal.symbol];
	const digits = spec?.digits ?? 0;
	const price = spec ? deal.price.toFixed(digits) : '0.00';
	const closing = deal.entry !== 0;
	return {
		Deal: String(deal.ticket),
		ExternalID: '',
		Login: String(deal.login),
		Dealer: String(deal.dealer),
		Order: String(deal.order),
		Action: String(deal.action),
		Entry: String(deal.entry),
		Reason: String(deal.reason),
		Digits: String(digits),
		DigitsCurrency: String(digitsCurrency),
		ContractSize: spec ? spec.contractSize.toFixed(2) : '0.00',
		Time: String(Math.floor(deal.timeMsc / 1000)),
		TimeMsc: String(deal.timeMsc),
		Symbol: deal.symbol,
		Price: price,
		PriceSL: '0.00',
		PriceTP: '0.00',
		Volume: String(deal.volume),
		VolumeExt: String(deal.volume * 10_000),
		Profit: money(deal.profitMinor),
		Value: '0.00',
		Storage: money(deal.storageMinor),
		Commission: money(deal.commissionMinor),
		Fee: money(0),
		RateProfit: spec ? '1.00000000' : '0.00000000',
		RateMargin: spec ? '1.00000000' : '0.00000000',
		ExpertID: '0',
		PositionID: String(deal.positionId),
		Comment: deal.comment,
		ProfitRaw: money(deal.profitMinor),
		PricePosition: spec && closing ? price : '0.00',
		VolumeClosed: closing ? String(deal.volume) : '0',
		VolumeClosedExt: closing ? String(deal.volume * 10_000) : '0',
		TickValue: '0.00',
		TickSize: '0.00',
		Flags: '0',
		Gateway: '',
		PriceGateway: '0.00',
		ModificationFlags: '0',
		MarketBid: '0.00',
		MarketAsk: '0.00',
		MarketLast: '0.00',
		ApiData: [],
	};
}

/** `webapi_position_data_structure`. */
export function positionRecord(position: Position, digitsCurrency: number): Json {
	const money = (minor: number) => formatMinor(minor, digitsCurrency);
	const spec = SYMBOLS[position.symbol];
	return {
		Position: String(position.ticket),
		ExternalID: '',
		Login: String(position.login),
		Dealer: '0',
		Symbol: position.symbol,
		Action: String(position.action),
		Digits: String(spec.digits),
		DigitsCurrency: String(digitsCurrency),
		Reason: '0',
		ContractSize: spec.contractSize.toFixed(2),
		TimeCreate: String(Math.floor(position.timeCreateMsc / 1000)),
		TimeUpdate: String(Math.floor(position.timeUpdateMsc / 1000)),
		TimeCreateMsc: String(position.timeCreateMsc),
		TimeUpdateMsc: String(position.timeUpdateMsc),
		PriceOpen: position.priceOpen.toFixed(spec.digits),
		PriceCurrent: position.priceCurrent.toFixed(spec.digits),
		PriceSL: '0.00',
		PriceTP: '0.00',
		Volume: String(position.volume),
		VolumeExt: String(position.volume * 10_000),
		Profit: money(position.profitMinor),
		Storage: money(position.storageMinor),
		RateProfit: '1.00000000',
		RateMargin: '1.00000000',
		ExpertID: '0',
		ExpertPositionID: '0',
		Comment: position.comment,
		ActivationMode: '0',
		ActivationTime: '0',
		ActivationPrice: '0.00',
		ActivationFlags: '0',
		ApiData: [],
	};
}

/** `webapi_group_get`: the fields a CRM reads (currency, margin call and stop-out levels). */
export function groupRecord(group: GroupConfig): Json {
	return {
		Group: group.name,
		Server: '1',
		PermissionsFlags: '0',
		AuthMode: '0',
		AuthPasswordMin: '8',
		Company: group.company ?? 'Sandbox Brokerage Ltd',
		Currency: group.currency,
		CurrencyDigits: String(currencyDigits(group.currency)),
		ReportsMode: '1',
		NewsMode: '2',
		MailMode: '1',
		MarginFreeMode: '1',
		MarginSOMode: '0',
		MarginCall: group.marginCall.toFixed(2),
		MarginStopOut: group.marginStopOut.toFixed(2),
		DemoLeverage: '100',
		DemoDeposit: '0.00',
		LimitHistory: '0',
		LimitOrders: '0',
		LimitSymbols: '0',
		LimitPositions: '0',
	};
}
