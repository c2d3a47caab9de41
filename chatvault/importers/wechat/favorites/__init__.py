"""WeChat Favorites (收藏): the account's favorites database read into its Favorites feed conversation."""

from chatvault.importers.wechat.favorites.read import read_android, read_pc, read_weixin4
from chatvault.importers.wechat.favorites.records import FEED, FEED_KEY

__all__ = ["FEED", "FEED_KEY", "read_android", "read_pc", "read_weixin4"]
