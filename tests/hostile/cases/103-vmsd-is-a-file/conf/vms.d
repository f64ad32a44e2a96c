[VM]
Memory=4G
