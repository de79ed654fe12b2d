#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

// Which generator a tab uses: the bundled pocket model (spec "pocket") or a file the user
// loads with "Load TorchScript generator…" (a TorchScript generator plug-in, or a pocket
// checkpoint such as a run's policy.pt). The file is checked when it is first used; errors
// then name it.
class GeneratorPicker : public QWidget
{
    Q_OBJECT
public:
    explicit GeneratorPicker(QWidget *parent = nullptr);
    QString spec() const { return m_spec; }
    void setSpec(const QString &spec); // "pocket" (or empty) or a file path
    QPushButton *loadButton() const { return m_load; }

Q_SIGNALS:
    void specChanged(const QString &spec);

private:
    QString m_spec = "pocket";
    QLabel *m_label;
    QPushButton *m_load, *m_pocket;
};
