"""Product pictures: checking an upload and making its sizes (images.py), and the files
they are stored in (files.py). The rows that say which product shows which picture are
app/models/catalog.py's ProductPicture, written by app/services/pictures.py."""
