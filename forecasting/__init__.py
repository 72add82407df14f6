"""Volume forecasting per queue and interval (Prophet with holidays and promotions, baselines, backtests).

Empty until the forecasting issue lands.
"""
