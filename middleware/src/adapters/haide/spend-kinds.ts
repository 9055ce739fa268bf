/** Intake kinds of Haide redemptions (natural key `orgCode/posNo/flowNo`) and adjustments (`orgCode/adjustNo`). */
export const REDEEM_KIND = 'haide.redeem';
export const ADJUST_KIND = 'haide.adjust';
