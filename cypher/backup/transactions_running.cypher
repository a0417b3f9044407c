/*
name: backup/transactions_running
:params {}
*/
// The transactions running now (but this one), which a backup lets finish before it exports.
SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE NOT currentQuery CONTAINS 'backup/transactions_running'
RETURN transactionId AS id
