-- Platform gateway catalogue (spec §3): which gateways exist, the currencies each accepts and the fee
-- rule per currency. Table-driven so fees change by migration, never by code.
CREATE TABLE gateways (
    code        VARCHAR(32)  NOT NULL PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    active      TINYINT(1)   NOT NULL DEFAULT 1,
    created_at  DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE gateway_currencies (
    gateway_code    VARCHAR(32)   NOT NULL,
    currency_code   CHAR(3)       NOT NULL,
    -- fee = round(subtotal × fee_percentage) + fee_fixed; percentage is a fraction (0.029 = 2.9 %)
    fee_percentage  DECIMAL(7,4)  NOT NULL,
    fee_fixed       BIGINT        NOT NULL,
    PRIMARY KEY (gateway_code, currency_code),
    CONSTRAINT fk_gateway_currencies_gateway FOREIGN KEY (gateway_code) REFERENCES gateways (code),
    CONSTRAINT ck_gateway_currencies_currency CHECK (currency_code IN ('IDR', 'MYR', 'USD')),
    CONSTRAINT ck_gateway_currencies_fee_percentage CHECK (fee_percentage >= 0 AND fee_percentage <= 1),
    CONSTRAINT ck_gateway_currencies_fee_fixed CHECK (fee_fixed >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO gateways (code, name, created_at) VALUES
    ('midtrans', 'Midtrans', UTC_TIMESTAMP(6)),
    ('sandbox',  'PayTrust Sandbox', UTC_TIMESTAMP(6)),
    ('xendit',   'Xendit', UTC_TIMESTAMP(6));

-- fee_fixed is in the currency's minor unit: IDR 2,000 = 2000; MYR 1.00 = 100 sen; USD 0.30 = 30 cents.
INSERT INTO gateway_currencies (gateway_code, currency_code, fee_percentage, fee_fixed) VALUES
    ('xendit',   'IDR', 0.0290, 2000),
    ('xendit',   'MYR', 0.0280, 100),
    ('xendit',   'USD', 0.0290, 30),
    ('midtrans', 'IDR', 0.0290, 2000),
    ('sandbox',  'IDR', 0.0100, 1000),
    ('sandbox',  'MYR', 0.0100, 50),
    ('sandbox',  'USD', 0.0100, 25);
